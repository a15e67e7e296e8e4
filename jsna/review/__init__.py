"""What reviewers need to sign off a JSNA: provenance manifest and disclosure log."""
