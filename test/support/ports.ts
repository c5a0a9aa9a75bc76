export { freePort } from '../../simulator/ports';
