"""Members enrol themselves: a single-use, expiring link with which a new member chooses
their own password and second factor, so that no admin ever knows a member's password."""
