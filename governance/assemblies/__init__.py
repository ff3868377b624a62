"""Assemblies and accreditation: delegates and their credentials, check-in, proxies, the roll.

Importing the package registers the resolver that turns a delegate's session into a principal.
"""

from governance.assemblies import credentials as _credentials  # noqa: F401 - registers resolver
