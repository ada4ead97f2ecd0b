"""A mail backend for tests that answers like an SMTP server told what to say, per recipient."""

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend


class ScriptedBackend(BaseEmailBackend):
    """`ScriptedBackend.script[address]` lists the outcomes of the next attempts for that address, in order:
    an exception to raise, or None to accept. Accepted messages go to mail.outbox; so does every
    message without a script. `opened` counts the connections opened."""

    script = {}
    opened = 0

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.is_open = False

    def open(self):
        if self.is_open:
            return False
        type(self).opened += 1
        self.is_open = True
        return True

    def close(self):
        self.is_open = False

    def send_messages(self, messages):
        for message in messages:
            outcomes = self.script.get(message.to[0])
            if outcomes:
                outcome = outcomes.pop(0)
                if outcome is not None:
                    raise outcome
            mail.outbox.append(message)
        return len(messages)
