"""The one rich-text field of the site: edited with django-prose-editor, sanitised with nh3.

What the editor can produce and what the sanitiser lets through come from the same
extension list, so editors never lose formatting they were offered. Sanitising
happens on every save, not only in forms: demo content, imports and shell edits pass
through the same allow-list.
"""

from django_prose_editor.fields import ProseEditorField

EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    # h1 belongs to the page title; content starts at h2.
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
}


class RichTextField(ProseEditorField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("extensions", EXTENSIONS)
        kwargs.setdefault("sanitize", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = self.sanitize(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value


def sanitize(html):
    """Sanitise HTML with the rich-text allow-list, for values that never pass a model."""
    return RichTextField().sanitize(html or "")
