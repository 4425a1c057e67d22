"""Learning: progress, quiz attempts, what a student may learn."""
