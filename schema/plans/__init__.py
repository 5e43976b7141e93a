"""Development plans (IUP): answers, read confirmations, goals."""
