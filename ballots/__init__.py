"""The trustworthy core of Asamblea: weights, tallies, ledgers, signatures and verification.

Pure functions over plain data. Nothing here imports the web framework, the database
or the application, so an auditor can run the verifier with only this package,
``cryptography`` and ``rfc8785`` installed.
"""
