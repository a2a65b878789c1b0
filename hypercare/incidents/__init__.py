"""Major incidents: one outage, many tickets from many institutions, handled as one."""
