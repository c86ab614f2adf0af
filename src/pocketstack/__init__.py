"""pocketstack: a whole OpenStack cloud's API in one Python process."""

__version__ = "0.1.0"
