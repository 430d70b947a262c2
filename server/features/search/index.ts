import { searchMessages } from "./search";

export const searchEvents = [searchMessages];
