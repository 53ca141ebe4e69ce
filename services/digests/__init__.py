"""The digests service: coordinators' digest emails, rendered and sent at most once per period."""
