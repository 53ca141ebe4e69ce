"""The demo alliance drawn from the seed plans, and a year of plausible activities for it."""
