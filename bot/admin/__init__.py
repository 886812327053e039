"""What the admin pages read and write: plain functions over a SQLAlchemy session."""
