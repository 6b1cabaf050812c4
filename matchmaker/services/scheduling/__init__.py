"""scheduling: problem export, solver runs, drafts, versions, repair and agendas."""
