"""The REST API under /api/v1/: ``site`` is the one NinjaAPI (auth, error format, routers);
``common`` holds what every app's router shares."""
