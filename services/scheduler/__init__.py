"""The scheduler service: fires ``shuxiang.digest.due``, one message per coordinator and period."""
