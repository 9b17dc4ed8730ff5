export * from './RoomVersionRules.js';
