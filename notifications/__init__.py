"""Notifications (email and in-app) from a transactional outbox: built in issue #5."""
