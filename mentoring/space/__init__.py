"""The mentoring relationship's private space: agreement, goals and
check-ins, sessions with calendar invitations, notes, closing with an exit
survey, and asking to be matched again (docs/mentoring.md, "Mentoring
relationship")."""
