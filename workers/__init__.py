"""Task workers for the database queue (TASKS_BACKEND=database): ``manage.py
worker`` (django-tasks-db's worker that outlives database outages), worker
heartbeats, and the ``tasks`` health check that reads them."""
