"""The demo city 星河市: a realistic, clearly fictional programme loaded once by `make run`."""
