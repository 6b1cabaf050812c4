"""Views per audience: parse a form into a dataclass, call one service, render or redirect."""
