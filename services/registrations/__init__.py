"""Sign-up for activities (报名): places, waitlist, reminders and check-in (签到) that become attendance."""
