"""Every message shown to people has a Spanish translation."""

from governance.i18n_catalog import missing


def test_every_message_is_translated_to_spanish():
    lacking = [f"{filename}:{lineno}: {msgid!r}" for msgid, filename, lineno in missing("es")]
    assert lacking == [], "untranslated (run `make messages`):\n" + "\n".join(lacking)
