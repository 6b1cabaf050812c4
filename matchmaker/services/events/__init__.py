"""events: set-up, registration, invitations, meeting requests and roadshow pitches."""
