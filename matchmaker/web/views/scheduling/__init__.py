"""Pages of the scheduling domain: solver runs, versions, agendas, problem export."""
