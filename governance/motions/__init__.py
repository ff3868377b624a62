"""Motions: what the board puts to the assembly, with texts in several languages, a dated
workflow, amendments, strategic-plan objectives, attachments and links between positions."""
