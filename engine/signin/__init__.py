"""Signing in: server-side sessions, the password policy and sign-in throttling.

Kept import-free so ``engine.accounts`` can use the policy without an import cycle.
"""
