"""Pages of the matching domain: recommendations, fitting needs, claims, the overview."""
