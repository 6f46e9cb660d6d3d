"""Moderation: one flag queue (member reports and detector findings) and the audit log.

It depends on no domain: domains call its service (``open_flag``, ``record_action``) and teach
it how to show and hide their content with ``register_subject``.
"""
