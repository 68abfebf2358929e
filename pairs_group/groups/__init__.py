"""Groups (Together Time courses), their venues and weekly sessions."""
