"""Groups: alumni-style circles of members. For now, membership only (forum categories may be
restricted to a group); directory, discussions and meetups come with the groups work."""
