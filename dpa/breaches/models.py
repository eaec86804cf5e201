"""Personal data breaches: incidents and the notifications sent to affected customers."""
