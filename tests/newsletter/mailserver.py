"""A real SMTP server (aiosmtpd) told how to answer, per recipient, for the sending tests."""

import asyncio
import threading
from collections import Counter, defaultdict

from tests.conftest import SMTPSink

# What the server does when the end of a message arrives, per recipient (a list, one entry per try):
ACCEPT = None
HANG = "hang"  # keeps the message and answers only after HANG_SECONDS: the sender's socket times out first
DROP = "drop"  # keeps the message and closes the connection without an answer
HANG_SECONDS = 3


class ScriptedServer(SMTPSink):
    """`rcpt[address]`: answers to the next RCPT TO for that address ("451 ..."; DROP closes the connection).
    `data[address]`: what happens at the end of its next messages (ACCEPT, HANG, DROP or an answer "452 ...").
    Every message whose end arrived is kept in `messages`, answered or not, as a real server would have it."""

    def __init__(self):
        super().__init__()
        self.rcpt = defaultdict(list)
        self.data = defaultdict(list)
        self.rcpt_tries = Counter()
        self.connections = set()

    def copies(self):
        return Counter(message["To"] for message in self.messages)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_tries[address] += 1
        answer = self.rcpt[address].pop(0) if self.rcpt[address] else ACCEPT
        if answer == DROP:
            server.transport.abort()
            return "421 closing"
        if answer is not ACCEPT:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.connections.add(session.peer)
        [address] = envelope.rcpt_tos
        action = self.data[address].pop(0) if self.data[address] else ACCEPT
        if action is not ACCEPT and action not in (HANG, DROP):
            return action  # a refusal: the message is not kept
        answer = await super().handle_DATA(server, session, envelope)
        if action == HANG:
            await asyncio.sleep(HANG_SECONDS)
        elif action == DROP:
            server.transport.abort()
        return answer


class Held(SMTPSink):
    """A slow server: every answer to the end of a message comes after `delay` seconds, and the answer to
    message number `hold_at` not before `release` is set. Every message is kept the moment it arrived."""

    def __init__(self, hold_at, delay=0.02):
        super().__init__()
        self.hold_at = hold_at
        self.delay = delay
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        if len(self.messages) == self.hold_at:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        await asyncio.sleep(self.delay)
        return answer
