"""Pages of the events domain: set-up, public pages, registration, requests, pitches."""
