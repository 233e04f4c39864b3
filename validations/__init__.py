"""changai validations: pandera schemas, row quarantine and datapackage.json generation."""
