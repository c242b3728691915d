/** The part of a failed scanner's hint that an `optional` scanner's warning leaves out: it is optional already. */
export const OR_MARK_OPTIONAL = ', or mark the scanner optional: true';
