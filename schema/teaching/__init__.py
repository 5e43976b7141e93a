"""Teaching plans (LPP), assessment matrices and the curriculum."""
