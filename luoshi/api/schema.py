def only_v1(endpoints, **kwargs):
    """The schema documents /api/v1/ only (the /api/ alias serves the very same views)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
