"""Events between and into instances: message correlation and message starts, what an instance
waits for, timer start events, signals broadcast through indexed subscriptions, and starting an
instance at one start event."""
