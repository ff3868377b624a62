"""Polls: questions put to the voting rights of an assembly, their ballots and their ledger."""
