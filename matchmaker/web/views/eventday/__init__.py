"""eventday views: the venue page (hall table labels) and the check-in desk."""
