"""Teams: creating and changing them, their own totals and the leaderboard."""
