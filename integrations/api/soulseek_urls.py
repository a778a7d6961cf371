"""/soulseek routes (paths are contract, SPEC §2)."""

urlpatterns: list = []
