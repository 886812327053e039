"""What admins do: plain functions over a session, called by the /admin views."""
