"""The service's evaluation reports: attendance, outcomes, reach, completeness, exports."""
