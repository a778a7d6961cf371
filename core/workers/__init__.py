"""The frame every background worker shares: leases, heartbeats, dispatch (SPEC §5.0–§5.1)."""
