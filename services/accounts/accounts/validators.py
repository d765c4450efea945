import re

from django.core.exceptions import ValidationError

_CLASSES = (
    (re.compile(r"[a-z]"), "a lower-case letter"),
    (re.compile(r"[A-Z]"), "an upper-case letter"),
    (re.compile(r"\d"), "a digit"),
    (re.compile(r"[^A-Za-z0-9]"), "a symbol"),
)


class CharacterClassesValidator:
    """The One API's password rule: at least one of each character class."""

    def validate(self, password, user=None):
        missing = [name for pattern, name in _CLASSES if not pattern.search(password)]
        if missing:
            raise ValidationError(f"This password needs {', '.join(missing)}.", code="password_character_classes")

    def get_help_text(self):
        return "Your password must contain a lower-case letter, an upper-case letter, a digit and a symbol."
