"""Who is acting: staff accounts, server-side sessions, login attempts and role checks."""
