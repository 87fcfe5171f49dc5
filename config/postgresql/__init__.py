"""The PostgreSQL database backend (``ENGINE = "config.postgresql"``); see ``base``."""
