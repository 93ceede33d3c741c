import { App } from 'aws-cdk-lib';
import { addMarketplace } from '../src/app.js';

// `cdk synth|deploy` runs this through tsx (see cdk.json); `-c stage=<name>` picks the stage.
const app = new App();
addMarketplace(app);
app.synth();
