// @ts-check
// What the background and a profile's list agree on about X's Save all:
// the start of the background's refusal when it cannot open a tab to
// collect the threads in (the list then stops, as every thread would fail).
export const NO_AWAY_TAB = 'Save all cannot open the threads here';
