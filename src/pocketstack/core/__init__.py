"""What two or more services share."""
